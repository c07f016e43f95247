package dev.lmsbench.client;

import dev.lmsbench.sim.FakeLms;

import java.util.Map;

/** The {@link LmsCli} of a {@link FakeLms}: found on a PATH that holds only the fake script. */
final class TestLms {

    private TestLms() {
    }

    static LmsCli cli(FakeLms lms) {
        return LmsCli.locate(Map.of("PATH", lms.executable().getParent().toString()), lms.home()).orElseThrow();
    }
}
