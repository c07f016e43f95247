package dev.lmsbench.core.spi;

/** The result store could not read or write. The message is one line and names the file. */
public class StoreException extends Exception {

    /**
     * @param message one-line message
     * @param cause   the cause, or {@code null}
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
