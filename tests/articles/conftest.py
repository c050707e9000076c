from tests.site_data import fresh_cache, newsroom  # noqa: F401 - fixtures of the reader-site tests
