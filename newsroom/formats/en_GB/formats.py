# The desk's one way to write a moment: the weekday (a schedule is planned by it), the date with its year,
# the 24-hour clock and the newsroom's zone, "Fri 27 Nov 2026, 14:09 UTC". The article list, the change page,
# History, the moderation queue, the desk and the admin's messages all use it (newsroom.formats.moment in
# Python, |date:"DATETIME_FORMAT" in templates); they wrote "27/11/2026 14:09", "27 Nov 2026, 14:09" and
# "Fri 27 Nov, 14:09 UTC" side by side. Dates alone stay British ("26 Nov 2026", "26/11/2026").
DATETIME_FORMAT = "D j M Y, H:i T"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
