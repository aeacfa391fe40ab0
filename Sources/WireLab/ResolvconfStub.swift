/// The `resolvconf` wg-quick finds first in a lab host's PATH: `DNS =` lines land in the host's private
/// resolv.conf (named by WIRESMITH_LAB_RESOLV), never in the machine's /etc/resolv.conf.
enum ResolvconfStub {
    static let script = """
        #!/bin/sh
        # wiresmith lab: stands in for resolvconf(8) inside a lab host; never touches the real /etc/resolv.conf.
        f="${WIRESMITH_LAB_RESOLV:?wiresmith lab resolvconf stub: WIRESMITH_LAB_RESOLV not set}"
        case "$1" in
            -a) { echo "# set by wg-quick for $2 (wiresmith lab)"; cat; } > "$f" ;;
            -d) echo "# $2 removed (wiresmith lab)" > "$f" ;;
            *) cat > /dev/null ;;
        esac
        exit 0

        """
}
