package dev.lmsbench.tray;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tray's logic without AWT: polls the dashboard on one scheduler thread, turns each outcome into a
 * {@link TrayState} for the view, and runs the menu's actions on the same thread (so a poll and an action never
 * interleave). After an action it polls at once, so the menu follows without waiting for the next tick.
 */
final class TrayController implements TrayActions, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrayController.class);

    private final DashboardClient client;
    private final Duration interval;
    private final Consumer<URI> browser;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<TrayExit> ended = new CompletableFuture<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private volatile TrayView view;
    private volatile TrayState state = TrayState.initial();

    TrayController(DashboardClient client, Duration interval, Consumer<URI> browser) {
        this.client = Objects.requireNonNull(client, "client");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.browser = Objects.requireNonNull(browser, "browser");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + interval);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lmsbench-tray-poll");
            t.setDaemon(true);
            return t;
        });
    }

    /** Attaches the view and starts polling: the first poll runs at once. */
    void start(TrayView trayView) {
        this.view = Objects.requireNonNull(trayView, "trayView");
        trayView.show(state);
        scheduler.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    TrayState state() {
        return state;
    }

    CompletableFuture<TrayExit> ended() {
        return ended;
    }

    private void poll() {
        try {
            TrayState next = TrayState.of(client.status());
            if (finishing.get()) {
                return;
            }
            if (!next.equals(state)) {
                state = next;
                view.show(next);
            }
        } catch (RuntimeException e) {
            // a broken view must not end the polling
            LOG.warn("tray update failed: {}", e.toString());
            LOG.debug("tray update failure", e);
        }
    }

    @Override
    public void start() {
        act("Start", client::start);
    }

    @Override
    public void togglePause() {
        TrayState.PauseAction action = state.pauseAction();
        act(action.label(), action == TrayState.PauseAction.RESUME ? client::resume : client::pause);
    }

    @Override
    public void stop() {
        act("Stop", client::stop);
    }

    @Override
    public void openDashboard() {
        submit(() -> {
            try {
                browser.accept(client.base());
            } catch (RuntimeException e) {
                LOG.warn("opening {} failed: {}", client.base(), e.toString());
                view.notifyFailure("Cannot open " + client.base() + ": " + e.getMessage());
            }
        });
    }

    @Override
    public void quit() {
        submit(() -> {
            if (finishing.get()) {
                return;
            }
            DashboardClient.ActionResult r = client.shutdown();
            if (!r.ok()) {
                LOG.warn("shutdown was not accepted: {}", r.message());
            }
            finish(r.ok() ? TrayExit.SERVER_SHUT_DOWN : TrayExit.SERVER_DID_NOT_ANSWER);
        });
    }

    /** Stops polling and removes the icon without shutting the dashboard down. Idempotent. */
    @Override
    public void close() {
        finish(TrayExit.CLOSED);
    }

    private void finish(TrayExit ending) {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        TrayView v = view;
        if (v != null) {
            try {
                v.remove();
            } catch (RuntimeException e) {
                LOG.warn("removing the tray icon failed: {}", e.toString());
            }
        }
        // when finish runs on the scheduler (Quit), this interrupts the current thread
        scheduler.shutdownNow();
        ended.complete(ending);
    }

    private void act(String name, Supplier<DashboardClient.ActionResult> call) {
        submit(() -> {
            DashboardClient.ActionResult r = call.get();
            if (!r.ok()) {
                LOG.info("{} failed: {}", name, r.message());
                view.notifyFailure(name + " failed: " + r.message());
            }
            poll();
        });
    }

    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("tray already ended; action ignored");
        }
    }
}
