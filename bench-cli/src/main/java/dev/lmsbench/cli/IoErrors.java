package dev.lmsbench.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says why a file operation failed in words: the JDK's file exceptions often carry only the path as their message
 * ({@code AccessDeniedException: /root/x}), which drops the reason a user needs.
 */
final class IoErrors {

    private IoErrors() {
    }

    /**
     * The reason of a failed file operation, e.g. {@code permission denied (/srv/results)}.
     *
     * @param e the failure
     * @return a short, one-line reason
     */
    static String reason(IOException e) {
        String what = switch (e) {
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "a file of that name already exists";
            case NoSuchFileException x -> "no such file or directory";
            case NotDirectoryException x -> "not a directory";
            case DirectoryNotEmptyException x -> "directory not empty";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
        if (e instanceof FileSystemException fs && fs.getFile() != null && !what.contains(fs.getFile())) {
            what += " (" + fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ")";
        }
        return Main.oneLine(what);
    }
}
