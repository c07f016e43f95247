package dev.lmsbench.web;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class EventQueueTest {

    private static EventStream.Message m(int i) {
        return new EventStream.Message("request_completed", "{\"idx\":" + i + "}");
    }

    @Test
    void aFullQueueDropsItsOldestMessagesAndTellsTheWriterHowManyBeforeTheNextOne() throws Exception {
        EventQueue q = new EventQueue(4);
        for (int i = 0; i < 10; i++) {
            q.offer(m(i));
        }
        assertThat(q.size()).isEqualTo(4);
        EventQueue.Next first = q.take(Duration.ofSeconds(1));
        assertThat(first.droppedBefore()).isEqualTo(6);
        assertThat(first.message()).isEqualTo(m(6));
        EventQueue.Next second = q.take(Duration.ofSeconds(1));
        assertThat(second.droppedBefore()).isZero();
        assertThat(second.message()).isEqualTo(m(7));
        assertThat(q.droppedTotal()).isEqualTo(6);
    }

    @Test
    void takeReturnsNullAfterTheTimeoutAndAtOnceWhenWoken() throws Exception {
        EventQueue q = new EventQueue(4);
        assertThat(q.take(Duration.ofMillis(20))).isNull();
        q.offer(m(1));
        q.wake();
        long t0 = System.nanoTime();
        assertThat(q.take(Duration.ofSeconds(30))).isNull();
        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(10).toNanos());
    }
}
