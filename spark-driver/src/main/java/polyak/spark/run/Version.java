package polyak.spark.run;

/**
 * polyak's version, from the jar manifest (Implementation-Version), or "dev" when run from classes.
 */
public final class Version {
  private Version() {}

  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * The source commit polyak was built from: the {@code POLYAK_COMMIT} environment variable (the
   * {@code ./polyak} launcher sets it from git, "+dirty" when the work tree has changes), else
   * "unknown".
   */
  public static String commit() {
    String c = System.getenv("POLYAK_COMMIT");
    return c == null || c.isBlank() ? "unknown" : c.strip();
  }
}
