package dev.lmsbench.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.lmsbench.core.text.SafeText;

/**
 * Logback's {@code %safemsg}: the log message with escape sequences and control characters removed, as one line.
 * Log messages quote servers (error messages, model ids); without this a hostile or broken server could clear the
 * terminal or retitle the window through a warning, or through {@code cat lmsbench.log}.
 */
public final class SafeMessageConverter extends ClassicConverter {

    /** The longest message kept on one log line; a longer one ends with {@code ...}. */
    static final int MAX_CHARS = 4000;

    /** Created by logback from the {@code conversionRule} in logback.xml. */
    public SafeMessageConverter() {
    }

    @Override
    public String convert(ILoggingEvent event) {
        return SafeText.oneLine(event.getFormattedMessage(), MAX_CHARS);
    }
}
