"""Write instance/config.py with a fresh random SECRET_KEY (run once by `make run`)."""
import secrets
import sys
from pathlib import Path

target = Path(sys.argv[1] if len(sys.argv) > 1 else "instance/config.py")
target.parent.mkdir(parents=True, exist_ok=True)
if target.exists():
    sys.exit(0)
target.write_text(
    "# Local settings, git-ignored. Environment variables SUMMIT_* override these.\n"
    f"SECRET_KEY = {secrets.token_hex(32)!r}\n",
    encoding="utf-8",
)
target.chmod(0o600)
print(f"Wrote {target} with a new secret key")
