package dev.lmsbench.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Iterator;

/** Adjusts Logback at run time: {@code -v} shows debug on stderr; each run's full log goes to its output directory. */
final class Logging {

    private Logging() {
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    /** Shows debug messages on stderr (still without stack traces). */
    static void verbose(boolean on) {
        Logger root = context().getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders();
             it.hasNext(); ) {
            Appender<ch.qos.logback.classic.spi.ILoggingEvent> a = it.next();
            if (a instanceof ConsoleAppender<?>) {
                for (Filter<ch.qos.logback.classic.spi.ILoggingEvent> f : a.getCopyOfAttachedFiltersList()) {
                    if (f instanceof ThresholdFilter tf) {
                        tf.setLevel(on ? "DEBUG" : "WARN");
                    }
                }
            }
        }
    }

    /** Writes the full (debug) log, with stack traces, to {@code file} from now on. */
    static void logTo(Path file) {
        LoggerContext ctx = context();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %safemsg%n");
        encoder.start();
        FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("RUN_FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender("RUN_FILE");
        root.addAppender(appender);
        root.setLevel(Level.INFO);
    }

    /** Flushes and closes the run log. */
    static void closeRunLog() {
        Logger root = context().getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ch.qos.logback.classic.spi.ILoggingEvent> a = root.getAppender("RUN_FILE");
        if (a != null) {
            a.stop();
            root.detachAppender(a);
        }
    }
}
