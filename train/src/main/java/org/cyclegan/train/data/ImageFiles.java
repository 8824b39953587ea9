package org.cyclegan.train.data;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The image files under a folder, found recursively and sorted by path, as the reference's {@code os.walk} finds them.
 *
 * <p>Symbolic links are followed, the folder itself included: {@code ln -s /data/horse2zebra/testA testA} is the usual
 * way to point at a data set, and the reference follows it. A link that leads back to a folder above it (a loop) would
 * make the walk endless; it is skipped with a warning naming the link, and the rest is listed. Paths keep the link's
 * name (they are not resolved), so relative paths under {@code dir} stay as the user sees them.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * The regular files with an image extension ({@link ImageFolder#isImageFile}) under {@code dir}; every skipped loop is
     * reported to {@code warn} as one line (without a "warning:" prefix, which the caller adds). Other failures to read
     * a folder are thrown.
     */
    public static List<Path> list(Path dir, Consumer<String> warn) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                // attrs are the link target's; a dangling link reports the link itself, which is not a regular file.
                if (attrs.isRegularFile() && ImageFolder.isImageFile(file.getFileName().toString())) files.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException) {
                    warn.accept("skipping symbolic link " + file + ": it leads back to a folder above it (a loop)");
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }
}
