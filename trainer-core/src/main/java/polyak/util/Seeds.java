package polyak.util;

/**
 * Derives independent, reproducible seeds from a root seed and a path of integers such as (seed,
 * epoch, partition) or (seed, iteration, example). Every random stream in polyak is seeded this
 * way, so a re-run, a resumed run and a retried Spark task draw the same numbers.
 */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64's finaliser: a bijective, well-mixing function of 64 bits. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A seed for the stream named by {@code path} under {@code root}. */
  public static long derive(long root, long... path) {
    long h = mix(root ^ 0x9e3779b97f4a7c15L);
    for (long p : path) {
      h = mix(h + 0x9e3779b97f4a7c15L + mix(p));
    }
    return h;
  }
}
