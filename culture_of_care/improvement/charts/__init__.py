"""SPC charts of measures, the Making Data Count way.

One package, split by layer; each module imports only the layers below it, never back up:

* ``labels``    - the words and number formats every chart uses (pure).
* ``results``   - the plain data a chart is: scopes, points, calculation periods (pure).
* ``summary``   - the plain-English sentence, chosen from the rule identifiers (pure).
* ``compute``   - one chart from already-loaded rows, through ``spc`` (pure: no ORM import).
* ``selectors`` - loading rows, settings, rebases and notes for a scope (the ORM).
* ``services``  - writes: rebases, settings, notes, signal reviews, signal synchronisation.
* ``svg``       - the chart and the MDC icons as SVG markup.
* ``forms``, ``views``, ``urls`` - the chart pages.

The template tags for the icons and the chart are ``culture_of_care/improvement/templatetags/
mdc.py`` (Django finds tag libraries in an app's ``templatetags`` package). This module imports
nothing, so loading one layer never loads the others.
"""
