package dev.switchboard.config;

/** One configuration setting: read from {@code env} or from {@code --flag}, the flag winning. */
public record Setting(String env, String flag, String defaultValue, String meaning) {

  public static Setting of(String env, String defaultValue, String meaning) {
    String flag = "--" + env.substring("SWITCHBOARD_".length()).toLowerCase().replace('_', '-');
    return new Setting(env, flag, defaultValue, meaning);
  }
}
