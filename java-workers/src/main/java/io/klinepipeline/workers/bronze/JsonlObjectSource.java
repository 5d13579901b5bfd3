package io.klinepipeline.workers.bronze;

import io.klinepipeline.jsonl.BronzeLayout;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;

/**
 * Where the engine's JSONL objects are read from: the local directory or S3. Names are relative to
 * the source's root, in {@link BronzeLayout}'s form, so both sources are read the same way.
 */
public interface JsonlObjectSource extends AutoCloseable {

    /**
     * The names of the files directly inside one folder (just the last segment), in any order;
     * empty when the folder does not exist.
     *
     * @param folder a folder below the root, ending in '/', e.g. {@link BronzeLayout#hourPrefix}
     */
    List<String> fileNames(String folder) throws IOException;

    /** Opens one object as a stream of bytes; the caller closes it, possibly before its end. */
    InputStream open(String name) throws IOException;

    /** Where a name lives, for logs and dead letters: a file path or an s3:// URL. */
    String describe(String name);

    /**
     * The data objects of one hour folder, in the order they must be read. Files whose names are
     * not the layout's are left out; {@link #hourFolder} names them.
     */
    default List<String> dataObjects(String hourPrefix) throws IOException {
        return hourFolder(hourPrefix).dataObjects();
    }

    /** One listing of an hour folder: its data objects in read order, and the files a load skips. */
    default HourFolder hourFolder(String hourPrefix) throws IOException {
        Comparator<String> order = BronzeLayout.readOrder();
        List<String> names = fileNames(hourPrefix);
        List<String> data = names.stream().filter(BronzeLayout::isDataFileName).sorted(order).map(name -> hourPrefix + name).toList();
        List<String> skipped = names.stream().filter(name -> !BronzeLayout.isDataFileName(name)).sorted().map(name -> hourPrefix + name).toList();
        return new HourFolder(data, skipped);
    }

    /**
     * What an hour folder holds.
     *
     * @param dataObjects the engine's files, named by the layout, in read order
     * @param skipped every other file (a restored backup, a hand-copied file): never read, so named
     *     to the user, who can bring it into the layout with {@code kline-worker import-jsonl}
     */
    record HourFolder(List<String> dataObjects, List<String> skipped) {
        public HourFolder {
            dataObjects = List.copyOf(dataObjects);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Writes one whole object under a name of the layout, for {@code kline-worker import-jsonl}:
     * it appears whole or not at all, never as a partial file a load could read.
     */
    default void put(String name, byte[] content) throws IOException {
        throw new UnsupportedOperationException(this + " cannot be written");
    }

    /** Opens one object as its complete lines. */
    default CompleteLineReader openLines(String name) throws IOException {
        return new CompleteLineReader(open(name));
    }

    /** Releases what the source owns (an S3 client it built); a no-op by default. */
    @Override
    default void close() {}
}
