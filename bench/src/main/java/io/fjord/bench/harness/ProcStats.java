package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's resident memory and CPU time from Linux's /proc.
 *
 * <table>
 *   <caption>Fields read</caption>
 *   <tr><th>file</th><th>field</th><th>meaning</th></tr>
 *   <tr><td>/proc/PID/status</td><td>VmRSS: N kB</td><td>resident set size</td></tr>
 *   <tr><td>/proc/PID/stat</td><td>14 (utime), 15 (stime), counted after the ")" that ends field 2</td>
 *       <td>CPU time in clock ticks (getconf CLK_TCK)</td></tr>
 * </table>
 *
 * <p>Stateless; safe from any thread. Values are NaN where /proc is unreadable (the process is gone, not Linux).
 */
public final class ProcStats {

    private ProcStats() {}

    /** Resident set size in MiB, or NaN. */
    public static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** User plus system CPU time in seconds, or NaN. */
    public static double cpuSeconds(long pid, long clockTicksPerSecond) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return parseCpuTicks(stat) / (double) clockTicksPerSecond;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime in ticks from the text of /proc/PID/stat (the command name may hold spaces and parens). */
    static long parseCpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The kernel's clock ticks per second from {@code getconf CLK_TCK}; 100 (Linux's USER_HZ) if that fails. */
    public static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
