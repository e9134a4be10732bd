package io.fjord.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A line protocol with a child process: its stdout as a queue of stripped lines (ending with "&lt;name&gt; exited"
 * when it closes) and its stdin. The queue holds what the child printed, a handful of lines per protocol.
 *
 * <p>Written and polled from the harness's main thread; one daemon thread reads the child's stdout.
 */
final class ChildLines {

    private final Writer stdin;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final String name;

    ChildLines(Process process, String name) {
        this.name = name;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(process), name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Process process) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                queue.add(line.strip());
            }
        } catch (IOException e) {
            // the child exited
        }
        queue.add(name + " exited");
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** The next line, or null after {@code timeoutMs}. */
    String poll(long timeoutMs) throws InterruptedException {
        return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The next line, or a line saying that none came within {@code limit}. */
    String await(Duration limit) throws InterruptedException {
        String line = poll(limit.toMillis());
        return line == null ? "no answer within " + limit.toSeconds() + " s" : line;
    }
}
