/**
 * LM Studio Bench tray controller: a system tray icon that shows the dashboard's state (gray idle, green running,
 * yellow paused, red error or unreachable) and offers Start, Pause/Resume, Stop, Open dashboard and Quit through the
 * dashboard's HTTP API. Start at {@link dev.lmsbench.tray.TrayApp}.
 */
module dev.lmsbench.tray {
    requires java.desktop;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.lmsbench.tray;
}
