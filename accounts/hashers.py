from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane).

    Django's defaults (100 MiB, 8 lanes) cost far more than a 2-core classroom laptop
    can spend while 35 students sign in within a minute; these parameters are both
    OWASP-compliant and cheap (a few milliseconds per login). Stored hashes carry their
    parameters, so raising them later upgrades hashes on the next login."""

    time_cost = 2
    memory_cost = 19_456
    parallelism = 1
