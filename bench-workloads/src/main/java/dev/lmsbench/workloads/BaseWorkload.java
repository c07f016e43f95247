package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;

import java.util.Objects;

/**
 * What every workload of this module has: its name, its options and the {@link TokenLengths} that count and build
 * its lengths (whose source is the workload's {@link #lengthSource()}).
 *
 * @param <O> the workload's options record
 */
abstract class BaseWorkload<O> implements Workload {

    private final String name;
    /** The workload's options. */
    final O options;
    /** What counts and builds the lengths. */
    final TokenLengths lengths;

    BaseWorkload(String name, O options, TokenLengths lengths) {
        this.name = name;
        this.options = Objects.requireNonNull(options, "options");
        this.lengths = Objects.requireNonNull(lengths, "lengths");
    }

    /** {@return the options} */
    public O options() {
        return options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TokenCountSource lengthSource() {
        return lengths.source();
    }
}
