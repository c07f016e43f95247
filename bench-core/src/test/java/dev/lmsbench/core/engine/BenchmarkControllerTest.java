package dev.lmsbench.core.engine;

import dev.lmsbench.core.engine.BenchmarkController.State;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchmarkControllerTest {

    private static final List<ModelInfo> MODELS = List.of(ModelInfo.named("a"), ModelInfo.named("b"));
    private static final BenchmarkSettings SETTINGS = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(0)
            .withNonStreaming(false);

    private final FakeBackend backend = new FakeBackend();
    private final BenchmarkController controller = new BenchmarkController();
    private final AtomicReference<BenchmarkReport> finished = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    @AfterEach
    void stop() throws Exception {
        controller.close();
    }

    private BenchmarkController.JobFactory factory() {
        return listener -> BenchmarkController.job(
                BenchmarkEngine.builder().backend(backend).listener(listener).build(),
                RunInfo.start("fake://", SETTINGS, "test"), MODELS, finished::set, () -> closed.set(true));
    }

    @Test
    void aStartedRunGoesOnInTheBackgroundAndEndsIdleWithItsReportHandedOverAndTheJobClosed() throws Exception {
        String runId = controller.start(factory());
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        BenchmarkController.Status s = controller.status();
        assertThat(s.state()).isEqualTo(State.IDLE);
        assertThat(s.runId()).isEqualTo(runId);
        assertThat(s.lastStatus()).isEqualTo(RunStatus.COMPLETED);
        assertThat(s.progress().completedRequests()).isEqualTo(4);
        assertThat(s.finishedAt()).isNotNull();
        assertThat(finished.get()).isNotNull().isSameAs(controller.lastReport().orElseThrow());
        assertThat(finished.get().models()).hasSize(2);
        assertThat(closed).isTrue();
    }

    @Test
    void aSecondStartWhileABenchmarkRunsIsRefusedAndStopEndsTheRunAsCancelled() throws Exception {
        backend.block = new CountDownLatch(1);
        backend.started = new CountDownLatch(1);
        controller.start(factory());
        assertThat(backend.started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(controller.status().state()).isEqualTo(State.RUNNING);
        assertThat(controller.status().model()).isEqualTo("a");
        assertThat(controller.status().modelPosition()).isEqualTo(1);
        assertThat(controller.status().modelCount()).isEqualTo(2);
        assertThatThrownBy(() -> controller.start(factory())).isInstanceOf(BenchmarkController.BusyException.class)
                .hasMessage("a benchmark is already running");
        assertThat(controller.stop()).isTrue();
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(controller.status().state()).isEqualTo(State.IDLE);
        assertThat(controller.status().lastStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(controller.stop()).isFalse();
    }

    @Test
    void pauseShowsAtOnceAndResumeLetsTheRunFinish() throws Exception {
        CountDownLatch paused = new CountDownLatch(1);
        controller.subscribe(e -> {
            if (e instanceof BenchmarkEvent.RequestCompleted && paused.getCount() > 0) {
                controller.pause(); // on the engine thread, right after the first request: the run cannot end first
                paused.countDown();
            }
        });
        controller.start(factory());
        assertThat(paused.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(controller.status().state()).isEqualTo(State.PAUSED);
        Thread.sleep(200); // a running engine would have made its other three requests by now
        assertThat(backend.requests).hasSize(1);
        assertThat(controller.status().state()).isEqualTo(State.PAUSED);
        controller.resume();
        assertThat(controller.status().state()).isIn(State.RUNNING, State.IDLE);
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(backend.requests).hasSize(4);
        assertThat(controller.status().lastStatus()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void subscribersSeeEachEventAfterTheStatusReflectsIt() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AutoCloseable subscription = controller.subscribe(e -> {
            if (e instanceof BenchmarkEvent.ModelStarted m) {
                seen.add(m.model().id() + "=" + controller.status().model());
            }
        });
        controller.start(factory());
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(seen).containsExactly("a=a", "b=b");
        subscription.close();
        controller.start(factory());
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(seen).hasSize(2);
    }

    @Test
    void badSettingsLeaveTheStateAloneAndAFactoryFailureIsAnErrorTheNextStartClears() throws Exception {
        assertThatThrownBy(() -> controller.start(l -> {
            throw new IllegalArgumentException("runs must be positive");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(controller.status().state()).isEqualTo(State.IDLE);
        assertThatThrownBy(() -> controller.start(l -> {
            throw new java.io.IOException("connection refused\nsecond line");
        })).isInstanceOf(java.io.IOException.class);
        assertThat(controller.status().state()).isEqualTo(State.ERROR);
        assertThat(controller.status().error()).isEqualTo("could not start: connection refused second line");
        controller.start(factory());
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(controller.status().state()).isEqualTo(State.IDLE);
        assertThat(controller.status().error()).isEmpty();
    }

    @Test
    void aRunInWhichEveryModelFailedEndsInTheErrorState() throws Exception {
        backend.failLoad = true;
        controller.start(factory());
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(controller.status().state()).isEqualTo(State.ERROR);
        assertThat(controller.status().lastStatus()).isEqualTo(RunStatus.FAILED);
        assertThat(controller.status().error()).contains("failed");
    }

    /** A job that builds its engine while it runs, after {@code ready} opens (discovery, as lmsbench run does). */
    private BenchmarkController.JobFactory lateEngine(CountDownLatch ready) {
        return listener -> new BenchmarkController.Job() {
            @Override
            public BenchmarkEngine engine() {
                return null;
            }

            @Override
            public RunInfo run() {
                return null;
            }

            @Override
            public List<ModelInfo> models() {
                return List.of();
            }

            @Override
            public BenchmarkReport execute(java.util.function.Consumer<BenchmarkEngine> attach) throws Exception {
                assertThat(ready.await(5, TimeUnit.SECONDS)).isTrue();
                BenchmarkEngine engine = BenchmarkEngine.builder().backend(backend).listener(listener).build();
                attach.accept(engine);
                return engine.run(RunInfo.start("fake://", SETTINGS, "test"), MODELS);
            }
        };
    }

    @Test
    void aJobThatBuildsItsEngineLateGetsItsRunIdFromTheRunAndAStopAskedForBeforeIsApplied() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        assertThat(controller.start(lateEngine(ready))).isEmpty();
        assertThat(controller.status().state()).isEqualTo(State.RUNNING);
        assertThat(controller.stop()).isTrue(); // no engine yet: remembered
        assertThat(controller.status().state()).isEqualTo(State.STOPPING);
        ready.countDown();
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(controller.status().lastStatus()).isEqualTo(RunStatus.CANCELLED);
        assertThat(backend.requests).isEmpty();

        CountDownLatch go = new CountDownLatch(1);
        controller.start(lateEngine(go));
        go.countDown();
        assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(controller.status().runId()).isEqualTo(controller.lastReport().orElseThrow().run().runId());
        assertThat(controller.status().modelCount()).isEqualTo(2);
        assertThat(controller.status().lastStatus()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void theRunThreadOfALateJobEndsWithoutAnUncaughtException() throws Exception {
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e)); // what a terminal would show
        try {
            CountDownLatch go = new CountDownLatch(1);
            controller.start(lateEngine(go));
            go.countDown();
            assertThat(controller.awaitIdle(Duration.ofSeconds(10))).isTrue();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("lmsbench-run")) {
                    t.join(Duration.ofSeconds(5));
                }
            }
            assertThat(uncaught).isEmpty();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
