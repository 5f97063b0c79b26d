package polyak.optim;

import java.util.List;
import java.util.Set;
import polyak.nn.ParameterKind;
import polyak.nn.ParameterLayout;
import polyak.nn.ParameterSegment;

/** The layout's segments as plain arrays, each flagged by whether its kind is in a chosen set. */
final class SegmentRanges {
  final int count;
  final int[] from;
  final int[] to;
  final boolean[] selected;

  SegmentRanges(ParameterLayout layout, Set<ParameterKind> kinds) {
    List<ParameterSegment> segments = layout.segments();
    count = segments.size();
    from = new int[count];
    to = new int[count];
    selected = new boolean[count];
    for (int k = 0; k < count; k++) {
      ParameterSegment s = segments.get(k);
      from[k] = s.offset();
      to[k] = s.end();
      selected[k] = kinds.contains(s.kind());
    }
  }
}
