package io.fjord.storage;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PageCacheBudget.FileAdvice} through the C library's {@code sync_file_range} and {@code posix_fadvise},
 * called with JNA (the JDK 17 the project targets has no supported foreign-function API). Each call opens the
 * file read-only by path, advises and closes it: both calls act on the file's page cache, whichever descriptor
 * names it. Linux on x86-64 and aarch64 only, where {@code off_t} is 64 bits and the constants below hold.
 * Stateless once loaded; any thread may call it.
 */
final class LibcFileAdvice implements PageCacheBudget.FileAdvice {
    private static final Logger LOG = LoggerFactory.getLogger(LibcFileAdvice.class);

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int SYNC_FILE_RANGE_WRITE = 2;

    /** The C functions used, as JNA maps them. */
    public interface CLibrary extends Library {
        int open(String path, int flags);

        int close(int fd);

        int posix_fadvise(int fd, long offset, long length, int advice);

        int sync_file_range(int fd, long offset, long nbytes, int flags);
    }

    private final CLibrary libc;

    private LibcFileAdvice(CLibrary libc) {
        this.libc = libc;
    }

    /** Whether this platform has the calls (checked without loading anything native). */
    static boolean supported() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.equals("linux") && (arch.equals("amd64") || arch.equals("aarch64"));
    }

    /** Loads the C library through JNA; null (and one warning) when that fails. */
    static PageCacheBudget.FileAdvice load() {
        if (!supported()) {
            return null;
        }
        try {
            return new LibcFileAdvice(Native.load("c", CLibrary.class));
        } catch (LinkageError | RuntimeException e) {
            LOG.warn(
                    "page cache budget off: cannot load the C library's sync_file_range and posix_fadvise (" + e + ")");
            return null;
        }
    }

    @Override
    public void startWriteback(Path file, long offset, long length) throws IOException {
        int fd = open(file);
        try {
            if (libc.sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE) != 0) {
                throw new IOException("sync_file_range of " + file + " failed, errno " + Native.getLastError());
            }
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public void dropCached(Path file, long offset, long length) throws IOException {
        int fd = open(file);
        try {
            int error = libc.posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED);
            if (error != 0) {
                throw new IOException("posix_fadvise of " + file + " failed, error " + error);
            }
        } finally {
            libc.close(fd);
        }
    }

    private int open(Path file) throws IOException {
        int fd = libc.open(file.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open " + file + ", errno " + Native.getLastError());
        }
        return fd;
    }
}
