from tests.comments.conftest import _comment_rules, _roles  # noqa: F401 - roles and known comment rules
from tests.site_data import fresh_cache, newsroom, plain_newsroom  # noqa: F401 - reader-site fixtures
