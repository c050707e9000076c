"""Pages of the reader's article lists (section, tag, author), without counting the list.

A page reads one row more than it shows, to know whether an older page follows: "Newer" and "Older" links
need nothing else. Counting the stories of a section is work that grows with the archive (a section of
12,500 stories took 14 ms to count, more than the rest of the page), for a "page N of M" nobody needs.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext as _


class OlderNewerPaginator(Paginator):
    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        return OlderNewerPage(rows[: self.per_page], number, self, has_older=len(rows) > self.per_page)


class OlderNewerPage(Page):
    def __init__(self, object_list, number, paginator, *, has_older):
        super().__init__(object_list, number, paginator)
        self.has_older = has_older

    def has_next(self):
        return self.has_older

    def next_page_number(self):
        if not self.has_older:
            raise EmptyPage(_("That page contains no results"))
        return self.number + 1

    def previous_page_number(self):
        if self.number == 1:
            raise EmptyPage(_("That page number is less than 1"))
        return self.number - 1
