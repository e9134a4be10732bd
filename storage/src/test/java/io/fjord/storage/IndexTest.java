package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {

    @TempDir
    Path tmp;

    @Test
    void offsetIndexFindsTheLastEntryAtOrBelowAnOffset() {
        OffsetIndex index = new OffsetIndex(tmp.resolve("0.index"), 100, 80, true);
        index.append(110, 1000);
        index.append(120, 2000);
        index.append(130, 3000);
        assertThat(index.lookup(99)).isZero();
        assertThat(index.lookup(109)).isZero();
        assertThat(index.lookup(110)).isEqualTo(1000);
        assertThat(index.lookup(125)).isEqualTo(2000);
        assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(3000);
        assertThat(index.lookupByPosition(2999)).isEqualTo(2000);
        assertThat(index.lookupByPosition(999)).isZero();
        assertThat(index.lastOffset()).isEqualTo(130);
    }

    @Test
    void offsetIndexRefusesEntriesThatGoBackwards() {
        OffsetIndex index = new OffsetIndex(tmp.resolve("0.index"), 0, 80, true);
        index.append(10, 100);
        assertThatThrownBy(() -> index.append(10, 200)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> index.append(11, 100)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void offsetIndexIsPreallocatedThenTrimmedAndReopensWithTheSameEntries() throws Exception {
        Path file = tmp.resolve("0.index");
        OffsetIndex index = new OffsetIndex(file, 0, 80, true);
        assertThat(Files.size(file)).isEqualTo(80);
        index.append(5, 50);
        index.append(9, 90);
        // a crash leaves the preallocated zeros behind: the reopened index skips them
        OffsetIndex afterCrash = new OffsetIndex(file, 0, 80, false);
        assertThat(afterCrash.entries()).isEqualTo(2);
        index.trimToValidSize();
        assertThat(Files.size(file)).isEqualTo(16);
        OffsetIndex reopened = new OffsetIndex(file, 0, 80, true);
        assertThat(reopened.entries()).isEqualTo(2);
        assertThat(reopened.lookup(9)).isEqualTo(90);
        reopened.append(12, 120);
        assertThat(reopened.lookup(20)).isEqualTo(120);
    }

    @Test
    void offsetIndexTruncationDropsEntriesAtOrAboveTheOffset() {
        OffsetIndex index = new OffsetIndex(tmp.resolve("0.index"), 0, 80, true);
        index.append(10, 100);
        index.append(20, 200);
        index.append(30, 300);
        index.truncateTo(20);
        assertThat(index.entries()).isEqualTo(1);
        assertThat(index.lookup(25)).isEqualTo(100);
    }

    @Test
    void offsetIndexReportsFullWhenPreallocatedSpaceIsUsed() {
        OffsetIndex index = new OffsetIndex(tmp.resolve("0.index"), 0, 20, true);
        index.append(1, 10);
        index.append(2, 20);
        assertThat(index.isFull()).isTrue();
        assertThatThrownBy(() -> index.append(3, 30)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void timeIndexKeepsOnlyGrowingTimestamps() {
        TimeIndex index = new TimeIndex(tmp.resolve("0.timeindex"), 100, 120, true);
        index.maybeAppend(1_000, 105);
        index.maybeAppend(900, 107); // older: ignored
        index.maybeAppend(2_000, 110);
        assertThat(index.entries()).isEqualTo(2);
        assertThat(index.lookup(999)).isEqualTo(100);
        assertThat(index.lookup(1_000)).isEqualTo(105);
        assertThat(index.lookup(1_999)).isEqualTo(105);
        assertThat(index.lookup(5_000)).isEqualTo(110);
        assertThat(index.lastTimestamp()).isEqualTo(2_000);
        index.truncateTo(110);
        assertThat(index.lastEntryOffset()).isEqualTo(105);
    }
}
