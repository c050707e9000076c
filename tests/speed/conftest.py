from tests.comments.conftest import _comment_rules  # noqa: F401 - known comment rules
from tests.site_data import fresh_cache, newsroom, plain_newsroom  # noqa: F401 - reader-site fixtures
