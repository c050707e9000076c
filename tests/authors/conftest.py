from tests.site_data import fresh_cache, newsroom, plain_newsroom  # noqa: F401 - reader-site fixtures
