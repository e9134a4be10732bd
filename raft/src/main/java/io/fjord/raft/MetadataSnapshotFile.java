package io.fjord.raft;

import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * One Raft metadata snapshot file: a {@link MetadataSnapshot} (the format the single-node log uses too)
 * that Ratis names after the Raft term and index it covers, with an MD5 file beside it, which Ratis
 * checks when it sends the snapshot to a follower. Stateless.
 */
final class MetadataSnapshotFile {

    private MetadataSnapshotFile() {}

    /** Writes the snapshot via a temporary file and an atomic rename, fsynced, with its MD5 file. */
    static SingleFileSnapshotInfo write(Path file, MetadataImage image, TermIndex termIndex) throws IOException {
        MetadataSnapshot.write(file, image);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        return new SingleFileSnapshotInfo(new FileInfo(file, md5), termIndex);
    }

    /** The image in {@code file}; IOException if it is not a complete, intact snapshot. */
    static MetadataImage read(Path file) throws IOException {
        return MetadataSnapshot.read(file);
    }
}
