from django.contrib.auth.hashers import Argon2PasswordHasher


class RefugeArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended cost (m=46 MiB, t=1 minimum; we take 64 MiB, t=3)."""

    algorithm = "argon2"
    time_cost = 3
    memory_cost = 65_536
    parallelism = 1


class FastTestArgon2PasswordHasher(Argon2PasswordHasher):
    """Tests only (settings/test.py): same algorithm, cheap parameters."""

    algorithm = "argon2"
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
