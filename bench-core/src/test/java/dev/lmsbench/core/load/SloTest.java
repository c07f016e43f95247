package dev.lmsbench.core.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SloTest {

    @Test
    void parsesVllmsGoodputSyntaxWithSpacesOrCommas() {
        Slo s = Slo.parse("ttft:200 tpot:50,e2el:5000");
        assertThat(s).isEqualTo(new Slo(200, 50, 5000));
        assertThat(Slo.parse("e2e:1.5").e2eMs()).isEqualTo(1.5);
        assertThat(s.limits()).containsExactly(java.util.Map.entry("ttft", 200.0), java.util.Map.entry("tpot", 50.0),
                java.util.Map.entry("e2e", 5000.0));
    }

    @Test
    void aRequestIsGoodOnlyWithinEveryLimitAndWithoutATpotItMeetsTheTpotLimit() {
        Slo s = new Slo(200, 50, Double.NaN);
        assertThat(s.met(200, 50, 99_999)).isTrue();
        assertThat(s.met(200.001, 10, 1)).isFalse();
        assertThat(s.met(100, 50.1, 1)).isFalse();
        assertThat(s.met(100, Double.NaN, 1)).isTrue();
        assertThat(s.met(Double.NaN, 1, 1)).isFalse();
    }

    @Test
    void badObjectivesNameThePartThatIsWrong() {
        assertThatThrownBy(() -> Slo.parse("ttft=200")).hasMessageContaining("'ttft=200'");
        assertThatThrownBy(() -> Slo.parse("itl:20")).hasMessageContaining("unknown metric 'itl'");
        assertThatThrownBy(() -> Slo.parse("ttft:abc")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Slo.parse("tpot:-1")).hasMessageContaining("above 0");
        assertThat(Slo.parse("").any()).isFalse();
    }
}
