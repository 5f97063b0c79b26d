package polyak.spark.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialStatusTest {
  @Test
  void resultsKeepTheirStatusWords() {
    assertEquals(
        List.of("done", "failed", "capped", "collapsed"),
        List.of(TrialStatus.values()).stream().map(TrialStatus::toString).toList());
    for (TrialStatus s : TrialStatus.values()) {
      TrialResult r =
          new TrialResult(
              "t1",
              null,
              "grid",
              Map.of("a", "1"),
              s,
              64,
              0.5,
              0.6,
              1.0,
              1.1,
              2,
              10,
              3,
              2,
              100,
              0,
              null,
              null);
      assertTrue(r.toJson().contains("\"status\":\"" + s + "\""), r.toJson());
      assertTrue(r.toCsv().contains("," + s + ",64,"), r.toCsv());
      assertEquals(s, TrialResult.fromJson(r.toJson()).status());
    }
    assertFalse(TrialStatus.CAPPED.isFinal());
    assertTrue(
        TrialStatus.DONE.isFinal()
            && TrialStatus.FAILED.isFinal()
            && TrialStatus.COLLAPSED.isFinal());
  }
}
