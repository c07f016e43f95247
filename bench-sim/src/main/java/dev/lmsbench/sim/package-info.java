/**
 * The simulator's API: {@link dev.lmsbench.sim.SimConfig} and {@link dev.lmsbench.sim.SimModel} say what to serve,
 * {@link dev.lmsbench.sim.SimServer} serves it, and {@link dev.lmsbench.sim.SendLogEntry} records what was sent when.
 *
 * <pre>{@code
 * try (SimServer sim = SimServer.start(SimConfig.defaults().withTtftMs(20).withTokensPerSecond(400))) {
 *     // point a client at sim.apiBaseUrl(), then compare its measurements with sim.sendLog()
 * }
 * }</pre>
 */
package dev.lmsbench.sim;
