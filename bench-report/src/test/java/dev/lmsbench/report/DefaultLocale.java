package dev.lmsbench.report;

import java.util.Locale;
import java.util.stream.Stream;

/** Runs code under another default locale and restores every category afterwards. */
final class DefaultLocale {

    private DefaultLocale() {
    }

    /** Code that may throw. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /**
     * The locales outputs are checked under: ROOT, and locales with a decimal comma (de-DE, fr-FR, whose grouping
     * separator is a narrow no-break space) or with other digits and separators (ar-EG).
     */
    static Stream<Locale> locales() {
        return Stream.of(Locale.ROOT, Locale.GERMANY, Locale.forLanguageTag("ar-EG"), Locale.FRANCE);
    }

    static void with(Locale locale, Body body) throws Exception {
        Locale all = Locale.getDefault();
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale.setDefault(locale);
        try {
            body.run();
        } finally {
            Locale.setDefault(all);
            Locale.setDefault(Locale.Category.FORMAT, format);
            Locale.setDefault(Locale.Category.DISPLAY, display);
        }
    }
}
