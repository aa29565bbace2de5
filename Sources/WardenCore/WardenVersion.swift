/// The version of this Warden: `warden --version`, `/api/v1/status` and `warden_build_info`.
public enum WardenVersion {
    public static let current = "0.2.0"
}
