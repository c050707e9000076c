# The 24-hour clock everywhere, as the reader pages and the desk write it: the admin's lists, history and
# fields said "2:13 p.m." beside them. Dates stay British ("26 Nov 2026", "26/11/2026").
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
