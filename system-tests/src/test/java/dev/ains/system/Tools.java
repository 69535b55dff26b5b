package dev.ains.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * Command-line tools some tests run (prometheus, promtool, nginx, docker-compose; Debian packages). {@code ./ains
 * test} installs them when it can; where they are still missing the tests that need them are skipped with
 * a note, except on CI (or with AINS_REQUIRE_TOOLS=true), where a missing tool fails the build.
 */
final class Tools {
    private Tools() {
    }

    static String require(String name) {
        List<Path> places = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                places.add(Path.of(dir, name));
            }
        }
        places.add(Path.of("/usr/bin", name));
        places.add(Path.of("/usr/sbin", name));
        for (Path p : places) {
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String why = name + " is not installed (Debian: apt-get install prometheus nginx docker-compose; ./ains test does"
                + " this when it runs as root)";
        if ("true".equals(System.getenv("CI")) || "true".equals(System.getenv("AINS_REQUIRE_TOOLS"))) {
            throw new AssertionError(why);
        }
        Assumptions.abort(why);
        return null;
    }

    /** Runs a command in a directory; returns its exit code and combined output. */
    static Result run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    record Result(int code, String output) {
    }
}
