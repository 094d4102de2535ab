# Copy to instance/config.py (make run writes one with a random key). SUMMIT_* variables override.
SECRET_KEY = "change-me-to-a-long-random-string"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://summit:secret@127.0.0.1/summit"
# REDIS_URL = "redis://127.0.0.1:6379/0"
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_DEFAULT_SENDER = "Summit <summit@example.org>"
# SERVER_BASE_URL = "https://summit.example.org"
