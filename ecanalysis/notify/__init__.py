"""``ecanalysis notify``: alerts and digests of the run records, pushed to where operators work.

- :mod:`~ecanalysis.notify.config` reads and checks ``params/notify.yaml``;
- :mod:`~ecanalysis.notify.messages` finds the new records and builds the messages;
- :mod:`~ecanalysis.notify.senders` delivers them (钉钉, 企业微信, 飞书, Slack, Teams, e-mail),
  with the standard library only;
- :mod:`~ecanalysis.notify.state` remembers what was sent and what is still to send;
- :mod:`~ecanalysis.notify.run` puts them together (:func:`~ecanalysis.notify.run.notify`).
"""
