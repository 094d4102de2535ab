"""Operations: health checks, metrics, logs and backups (docs/scaling.md)."""
