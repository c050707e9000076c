"""The reader's article lists (section, tag, author): pages without counting the list, read only when shown.

A page reads one row more than it shows, to know whether an older page follows: "Newer" and "Older" links
need nothing else. Counting the stories of a section is work that grows with the archive (a section of
12,500 stories took 14 ms to count, more than the rest of the page), for a "page N of M" nobody needs.

The rows are read when the page is first shown, not when it is made: the list is a cached fragment
(`ArticleListMixin`), and a page whose fragment is current reads none.
"""

from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from newsroom import fragments
from newsroom.page_cache import list_deps

FRAGMENT = "article-list"
# Past any archive: a million pages of 20 stories.
LAST_POSSIBLE_PAGE = 1_000_000


def page_number(number) -> int:
    """A page number as the address gave it, checked without reading the list (Paginator's own check counts
    it)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise PageNotAnInteger(_("That page number is not an integer")) from None
    if number < 1:
        raise EmptyPage(_("That page number is less than 1"))
    if number > LAST_POSSIBLE_PAGE:  # its offset would not even fit the database's integers
        raise EmptyPage(_("That page contains no results"))
    return number


class LazyPage(Page):
    """A page whose rows are read on first use, not when it is made (Page.__init__ would take them now): its
    list is a cached fragment, and a page whose fragment is current reads none. `read_rows()` reads them."""

    def __init__(self, number, paginator):
        self.number, self.paginator = number, paginator

    def read_rows(self) -> list:
        raise NotImplementedError

    @cached_property
    def rows(self) -> list:
        return self.read_rows()

    @property
    def object_list(self) -> list:
        return self.rows[: self.paginator.per_page]

    @property
    def is_loaded(self) -> bool:
        return "rows" in self.__dict__

    def is_past_the_end(self, allow_empty=True) -> bool:
        return (self.number > 1 or not allow_empty) and not self.rows


class OlderNewerPaginator(Paginator):
    def page(self, number):
        return OlderNewerPage(page_number(number), self)


class OlderNewerPage(LazyPage):
    owner = None  # the section, tag or author whose list this is (ArticleListMixin)

    def read_rows(self) -> list:
        bottom = (self.number - 1) * self.paginator.per_page
        return list(self.paginator.object_list[bottom : bottom + self.paginator.per_page + 1])

    def has_next(self):
        return len(self.rows) > self.paginator.per_page

    def next_page_number(self):
        if not self.has_next():
            raise EmptyPage(_("That page contains no results"))
        return self.number + 1

    def previous_page_number(self):
        if self.number == 1:
            raise EmptyPage(_("That page number is less than 1"))
        return self.number - 1

    @property
    def fragment_key(self) -> str:
        """The key of this page's list fragment, for the template and for the view's prefetch alike."""
        return f"{self.owner._meta.model_name}:{self.owner.pk}:{self.number}"

    @property
    def deps(self) -> set[str]:
        """What the page's list shows: its own list, its owner, every card (read after a rendering)."""
        return list_deps(self.owner, self.object_list)


class FragmentPagesMixin:
    """For a ListView whose page of rows is shown in the fragment `fragment` of its template, keyed by the
    page's `fragment_key`: the rows (a lazy page, as OlderNewerPage) are read only when that fragment is not
    current. `prepare_page(page)` gives the page what its key and dependencies need."""

    fragment = FRAGMENT
    # An empty first page is a 404 rather than an empty list. (ListView's allow_empty = False would count the
    # list with a query of its own on every request, cached fragment or not.)
    empty_is_not_found = False

    def prepare_page(self, page) -> None:
        pass

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        number = self.request.GET.get(self.page_kwarg) or 1
        try:
            page = paginator.page(paginator.num_pages if number == "last" else number)
        except InvalidPage as error:
            raise Http404(str(error)) from None
        self.prepare_page(page)
        parts = [page.fragment_key]
        fragments.prefetch(self.request, (self.fragment, parts))
        # A current fragment was rendered from rows that passed this check, under the versions of its list.
        if not fragments.is_current(self.request, self.fragment, parts) and page.is_past_the_end(
            allow_empty=not self.empty_is_not_found
        ):
            raise Http404(_("That page contains no results"))
        # The page stands in for its rows, and whether it has others is asked only if the template shows it.
        return paginator, page, page, page.has_other_pages


class ArticleListMixin(FragmentPagesMixin):
    """For a ListView of articles that belong to `self.owner` (set by get_queryset): 20 a page, newest
    first, with Newer and Older links. Its template puts the list in `{% fragment "article-list"
    page_obj.fragment_key depends=page_obj.deps %}`: a page whose list is current reads no article."""

    paginate_by = 20
    paginator_class = OlderNewerPaginator
    context_object_name = "articles"

    def prepare_page(self, page) -> None:
        page.owner = self.owner
