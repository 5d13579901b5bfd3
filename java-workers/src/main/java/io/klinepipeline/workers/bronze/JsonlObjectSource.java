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
     * The data objects of one hour folder, in the order they must be read. Temporary and foreign
     * files are left out; only the layout's own names count.
     */
    default List<String> dataObjects(String hourPrefix) throws IOException {
        Comparator<String> order = BronzeLayout.readOrder();
        return fileNames(hourPrefix).stream()
                .filter(BronzeLayout::isDataFileName)
                .sorted(order)
                .map(name -> hourPrefix + name)
                .toList();
    }

    /** Opens one object as its complete lines. */
    default CompleteLineReader openLines(String name) throws IOException {
        return new CompleteLineReader(open(name));
    }

    /** Releases what the source owns (an S3 client it built); a no-op by default. */
    @Override
    default void close() {}
}
