package org.cyclegan.train.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.train.commands.CommandLine;
import org.cyclegan.train.commands.GeneratorOptions;
import org.cyclegan.train.commands.GeneratorWeights;
import org.cyclegan.train.commands.TranslateCommand;
import org.cyclegan.train.commands.TranslatedNames;
import org.cyclegan.train.commands.UsageException;
import org.cyclegan.train.data.ImageFolder;
import scala.Tuple2;

/**
 * {@code translate} as an Apache Spark job, for collections larger than one machine gets through:
 * {@code spark-submit --class org.cyclegan.train.spark.SparkTranslate cyclegan-engine.jar --weights G --input DIR|GLOB|URI
 * --output DIR}. Spark is the cluster's ({@code provided}): the jar does not carry it.
 *
 * <p>The driver lists the images (Spark's {@code binaryFile} source, any Hadoop-readable path), gives each its output
 * name by translate's rule ({@link TranslatedNames}), refuses what translate refuses (outputs that exist without
 * --overwrite, an output overlapping the input), checks that the weights load, and broadcasts them. Each task then runs
 * its partition through a {@link org.cyclegan.train.translate.Translator} — the one translate uses, so the PNGs are the
 * same bytes — on a generator its executor loaded once ({@link ExecutorTranslators}), and writes them through
 * {@link PngFilesOutputFormat}'s committed task folders (or, with {@code --format parquet}, a table of name and PNG
 * bytes through Spark's own commit protocol). Images that cannot be read are named, skipped and counted; the driver
 * prints a summary with the images per second.
 */
public final class SparkTranslate {
    private SparkTranslate() {}

    public static CommandLine options() {
        CommandLine cl = new CommandLine("translate", "Translates images with one saved generator as an Apache Spark job, one generator"
                + " per executor task slot; the PNGs are translate's, byte for byte.")
                .invokedAs("spark-submit [spark options] --class " + SparkTranslate.class.getName() + " cyclegan-engine.jar")
                .option("weights", null, "generator weights, .safetensors or a PyTorch .pth (any Hadoop-readable path); shipped once to each executor")
                .option("input", null, "a folder (read recursively), a glob such as 'photos/*/day*' or one image; any Hadoop path or URI")
                .option("output", null, "folder for the translated PNGs (in/sub/x.jpg becomes out/sub/x.png, as translate names them),"
                        + " or, with --format parquet, the table's folder")
                .option("format", "png", "png (one file per image) | parquet (a table of name and png bytes)")
                .flag("overwrite", "replace outputs that already exist (without it, the job refuses before starting)");
        return GeneratorOptions.declare(TranslateCommand.declareBatchSize(cl))
                .option("device", "cpu", "each executor's backend: cpu | opencl | opencl:N | auto | reference")
                .option("threads", "", "cpu backend threads per task (default: the task's spark.task.cpus)");
    }

    /** spark-submit's entry point: exit status 0 when images were translated, 1 on a failure, 2 on a usage error. */
    public static void main(String[] args) {
        CommandLine cl = options();
        int status;
        try {
            cl.parse(List.of(args));
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
        if (cl.helpRequested()) {
            System.out.print(cl.usage());
            return;
        }
        SparkSession spark = SparkSession.builder().appName("cyclegan-engine translate").getOrCreate();
        try {
            status = run(spark, cl, System.out, System.err);
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    /** Runs the job on {@code spark} with the parsed options; prints what it does and returns the exit status. */
    public static int run(SparkSession spark, CommandLine cl, PrintStream out, PrintStream err) {
        try {
            return translate(spark, cl, out, err);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (SparkException e) {
            err.println("error: the Spark job failed (nothing it wrote was committed): " + rootMessage(e));
            return 1;
        }
    }

    private static int translate(SparkSession spark, CommandLine cl, PrintStream out, PrintStream err) throws IOException, SparkException {
        for (String required : List.of("weights", "input", "output")) {
            if (cl.string(required) == null || cl.string(required).isEmpty()) throw new UsageException("translate: --" + required + " is required");
        }
        String format = cl.choice("format", List.of("png", "parquet"));
        int batchSize = TranslateCommand.batchSize(cl);
        int threads = cl.string("threads").isEmpty() ? 0 : cl.integer("threads", 1);
        boolean overwrite = cl.flag("overwrite");
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path output = qualified(new Path(cl.string("output")), conf);

        InputImages inputs = InputImages.list(spark, cl.string("input"), conf);
        Map<String, String> names = inputs.outputNames();
        refuseUnsafeOutputs(inputs, names, output, format, overwrite, conf);

        byte[] weights = readWeights(new Path(cl.string("weights")), conf);
        GeneratorWeights.Requested requested = GeneratorOptions.requested(cl);
        String weightsName = new Path(cl.string("weights")).getName();
        GeneratorArchitecture arch = checkWeights(weightsName, weights, requested);
        out.println("weights: " + cl.string("weights") + ": " + arch.describe() + "; " + names.size() + " images in " + inputs.partitions()
                + " partitions");

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> shipped = jsc.broadcast(weights);
        Broadcast<Map<String, String>> shippedNames = jsc.broadcast(names);
        TranslationJob job = new TranslationJob(digest(weights, requested, cl.string("device"), batchSize), weightsName, shipped, requested,
                cl.string("device"), threads, batchSize);
        LongAccumulator translated = spark.sparkContext().longAccumulator("translated");
        CollectionAccumulator<String> skipped = spark.sparkContext().collectionAccumulator("skipped");

        JavaPairRDD<String, byte[]> pngs = inputs.images().toJavaRDD()
                .mapPartitionsToPair(rows -> PartitionTranslation.run(rows, job, shippedNames.value(), translated, skipped));
        long start = System.nanoTime();
        write(spark, pngs, format, output, overwrite, conf);   // the job: each task translates its partition as the writer pulls
        double seconds = (System.nanoTime() - start) / 1e9;

        List<String> failures = new ArrayList<>(skipped.value());
        failures.sort(null);
        for (String f : failures) err.println("warning: skipped " + f);
        long done = translated.value();
        out.printf(Locale.ROOT, "translated %d of %d images in %.1f s (%.2f images/s) into %s%s%n", done, names.size(), seconds, done / seconds, output,
                format.equals("parquet") ? " (parquet: name, png)" : "");
        if (!failures.isEmpty()) out.println("skipped " + failures.size() + " (see the warnings above)");
        return done > 0 ? 0 : 1;
    }

    /** Runs the job: every (name, PNG) through the committer of {@code format}'s output. */
    private static void write(SparkSession spark, JavaPairRDD<String, byte[]> pngs, String format, Path output, boolean overwrite,
                              Configuration conf) throws IOException {
        if (format.equals("png")) {
            Job hadoop = Job.getInstance(conf);
            // Algorithm 1: a task's files become visible only through its committed folder (algorithm 2 moves them one by one).
            hadoop.getConfiguration().setInt("mapreduce.fileoutputcommitter.algorithm.version", 1);
            pngs.saveAsNewAPIHadoopFile(output.toString(), String.class, byte[].class, PngFilesOutputFormat.class, hadoop.getConfiguration());
        } else {
            StructType schema = new StructType().add("name", DataTypes.StringType, false).add("png", DataTypes.BinaryType, false);
            spark.createDataFrame(pngs.map(p -> RowFactory.create(p._1(), p._2())), schema).write()
                    .mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output.toString());
        }
    }

    /**
     * Refuses, before anything runs, what translate refuses: png outputs that exist (without --overwrite), an output
     * folder that is, lies inside or contains the input folder, and a parquet table that exists (without --overwrite).
     */
    private static void refuseUnsafeOutputs(InputImages inputs, Map<String, String> names, Path output, String format, boolean overwrite,
                                            Configuration conf) throws IOException {
        FileSystem fs = output.getFileSystem(conf);
        if (fs.exists(output) && !fs.getFileStatus(output).isDirectory()) {
            throw new UsageException("translate: --output " + output + " is a file; give a folder");
        }
        if (inputs.root() != null && (within(output, inputs.root()) || within(inputs.root(), output))) {
            throw new UsageException("translate: --output " + output + " and --input " + inputs.root()
                    + " overlap (the outputs would overwrite inputs, or be translated on the next run); give a folder outside the input");
        }
        if (inputs.root() == null && new Path(output, names.values().iterator().next()).equals(inputs.single())) {
            throw new UsageException("translate: the output would be written over the input " + inputs.single());
        }
        if (!fs.exists(output) || overwrite) return;
        if (format.equals("parquet")) {
            throw new UsageException("translate: --output " + output + " exists; give another folder, or --overwrite to replace the table");
        }
        Set<String> targets = new HashSet<>(names.values());
        List<String> clashes = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(output, true);
        String prefix = output.toUri().getPath() + "/";
        while (files.hasNext()) {
            String rel = files.next().getPath().toUri().getPath().substring(prefix.length());
            if (targets.contains(rel)) clashes.add(rel);
        }
        if (!clashes.isEmpty()) {
            clashes.sort(null);
            throw new UsageException("translate: " + clashes.size() + " outputs exist already in " + output + " (" + String.join(", ",
                    clashes.subList(0, Math.min(4, clashes.size()))) + (clashes.size() > 4 ? ", ..." : "")
                    + "); give --overwrite to replace them, or another --output");
        }
    }

    private static boolean within(Path p, Path folder) {
        String a = p.toString(), b = folder.toString();
        return a.equals(b) || a.startsWith(b.endsWith("/") ? b : b + "/");
    }

    static Path qualified(Path p, Configuration conf) throws IOException {
        return p.getFileSystem(conf).makeQualified(p);
    }

    private static byte[] readWeights(Path weights, Configuration conf) throws IOException {
        FileSystem fs = weights.getFileSystem(conf);
        if (!fs.exists(weights) || !fs.getFileStatus(weights).isFile()) throw new UsageException("translate: --weights " + weights + " is not a file");
        long length = fs.getFileStatus(weights).getLen();
        if (length > Integer.MAX_VALUE - 64) throw new IOException(weights + ": " + length + " bytes is too large for generator weights");
        try (InputStream in = fs.open(weights)) {
            return in.readAllBytes();
        }
    }

    /** Loads the generator once on the driver, on the reference backend, so that bad weights fail before any task. */
    private static GeneratorArchitecture checkWeights(String name, byte[] weights, GeneratorWeights.Requested requested) throws IOException {
        java.nio.file.Path file = ExecutorTranslators.localCopy(name, weights);
        try (ReferenceBackend reference = new ReferenceBackend()) {
            GeneratorArchitecture arch = GeneratorOptions.load("translate", requested, file, reference).architecture;
            TranslateCommand.requireRgb(name, arch);
            return arch;
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(file.getParent());
        }
    }

    private static String digest(byte[] weights, GeneratorWeights.Requested requested, String device, int batchSize) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(weights);
            sha.update((requested + "|" + device + "|" + batchSize).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage().lines().findFirst().orElse("") + " (cause: " + t + ")";
    }

    /** The input's images: the binaryFile dataset and, for naming, the folder their paths are relative to. */
    record InputImages(Dataset<Row> images, List<String> paths, Path root, Path single, int partitions) {
        static InputImages list(SparkSession spark, String input, Configuration conf) throws IOException {
            Path in = new Path(input);
            FileSystem fs = in.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(in);
            if (matches == null || matches.length == 0) throw new UsageException("translate: --input " + input + " does not exist (or its glob matches nothing)");
            Path qualified = fs.makeQualified(in);
            boolean literal = matches.length == 1 && matches[0].getPath().equals(qualified);
            Path root, single = null;
            if (literal && matches[0].isFile()) {
                root = null;
                single = qualified;
            } else {
                root = literal ? qualified : globFreeAncestor(qualified);
            }
            Dataset<Row> images = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", imageGlob()).load(input);
            List<String> paths = new ArrayList<>();
            for (Row r : images.select("path").collectAsList()) paths.add(r.getString(0));
            if (paths.isEmpty()) {
                throw new UsageException("translate: --input " + input + " holds no images (looked recursively for " + String.join(" ", ImageFolder.EXTENSIONS) + ")");
            }
            return new InputImages(images, paths, root, single, images.rdd().getNumPartitions());
        }

        /** Each listed path with its output name, relative to the output folder, by translate's rule. */
        Map<String, String> outputNames() {
            List<String> relative = new ArrayList<>(paths.size());
            String prefix = root == null ? null : root.toUri().getPath() + "/";
            for (String p : paths) {
                String path = new Path(p).toUri().getPath();
                relative.add(prefix == null ? new Path(p).getName() : path.substring(prefix.length()));
            }
            Map<String, String> byRelative = TranslatedNames.assignRelative(relative);
            Map<String, String> names = new java.util.LinkedHashMap<>();
            for (int i = 0; i < paths.size(); i++) names.put(paths.get(i), byRelative.get(relative.get(i)));
            return names;
        }

        /** The nearest folder above a glob with no glob characters in it: 'in/*' / '*.png' are named relative to 'in'. */
        private static Path globFreeAncestor(Path p) {
            Path q = p;
            while (q.getParent() != null && hasGlob(q.toUri().getPath())) q = q.getParent();
            return q;
        }

        private static boolean hasGlob(String s) {
            for (char c : s.toCharArray()) if ("*?[]{}\\".indexOf(c) >= 0) return true;
            return false;
        }

        /** A Hadoop glob for file names with an image extension in any case: {@code *.{[jJ][pP][gG],...}}. */
        static String imageGlob() {
            List<String> alternatives = new ArrayList<>();
            for (String ext : ImageFolder.EXTENSIONS) {
                StringBuilder b = new StringBuilder();
                for (char c : ext.substring(1).toCharArray()) b.append('[').append(Character.toLowerCase(c)).append(Character.toUpperCase(c)).append(']');
                alternatives.add(b.toString());
            }
            return "*.{" + String.join(",", alternatives) + "}";
        }
    }
}
