package dev.lmsbench.core.model;

import java.util.Locale;

/** What a model can do beyond plain text chat, as the server reports it. */
public enum Capability {
    /** Accepts images (LM Studio type {@code vlm}, capability {@code vision}). */
    VISION,
    /** Trained for tool use / function calling. */
    TOOL_USE,
    /** Emits reasoning ({@code reasoning_content}) before its answer. */
    REASONING;

    /** The lower-case name used in JSON and CSV ({@code vision}, {@code tool_use}, {@code reasoning}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
