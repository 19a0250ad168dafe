"""Run a seeded django-machina board on 127.0.0.1 (``python -m tests.crawl.machina_site``).

The board is built through machina's own models (categories, forums, a sub-forum, topics with
several pages, quotes, links to images on another local server), with posts dated over spring
2020. Once it listens, it writes ``--info`` (JSON): its port and every post of its database with
author and time, the ground truth of the crawl test. Serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from types import FrameType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

MEMBERS = ("alice_gardener", "bob_builder", "carol_coder", "dave_weather")
BOARD = {
    ("Outdoors", "Gardening", "Vegetables, flowers and compost"): [
        "Tomatoes splitting after rain",
        "Best compost mix for clay soil",
        "When to plant garlic",
        "Slugs on the lettuce again",
        "Raised beds: wood or brick?",
        "Leeks from seed",
        "Watering during a heatwave",
    ],
    ("Outdoors", "Seeds & Bulbs", "Swaps and sowing dates"): [
        "Tulip bulbs swap",
        "Saving bean seeds",
    ],
    ("Outdoors", "Travel & Weather", "Trip plans and today's forecast"): [
        "Spring storms on the coast",
        "Cycling routes along the river",
    ],
    ("Software", "Python help", "Questions about scripts and packages"): [
        "Reading CSV files with dates",
        "Virtual environments explained",
        "Why is my loop slow?",
    ],
}
START = datetime(2020, 3, 2, 8, 0, tzinfo=UTC)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log."""


def _seed(image_port: int) -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model
    from machina.apps.forum.models import Forum
    from machina.apps.forum_conversation.models import Post, Topic
    from machina.apps.forum_permission.models import ForumPermission, UserForumPermission

    for codename in ("can_see_forum", "can_read_forum"):
        UserForumPermission.objects.create(
            permission=ForumPermission.objects.get(codename=codename),
            anonymous_user=True,
            has_perm=True,
        )
    users = [get_user_model().objects.create_user(name, password=None) for name in MEMBERS]
    categories: dict[str, Any] = {}
    forums: dict[str, Any] = {}
    moment = START
    posts: list[dict[str, Any]] = []
    for (category, forum_name, description), subjects in BOARD.items():
        if category not in categories:
            categories[category] = Forum.objects.create(name=category, type=Forum.FORUM_CAT)
        parent = forums["Gardening"] if forum_name == "Seeds & Bulbs" else categories[category]
        forum = Forum.objects.create(
            parent=parent, name=forum_name, description=description, type=Forum.FORUM_POST
        )
        forums[forum_name] = forum
        for number, subject in enumerate(subjects):
            replies = (number * 5) % 13 + 1
            starter = users[number % len(users)]
            topic = Topic.objects.create(
                forum=forum,
                poster=starter,
                subject=subject,
                type=Topic.TOPIC_POST,
                status=Topic.TOPIC_UNLOCKED,
                approved=True,
            )
            previous = None
            for reply in range(replies):
                author = users[(number + reply) % len(users)]
                text = (
                    f"Post {reply + 1} about {subject.lower()}: the allotment committee meets on "
                    f"Tuesday and the weather looks mild."
                )
                if reply % 3 == 1 and previous is not None:
                    text = f"> **{previous} wrote:**\n> I tried it last year.\n\nSame here. {text}"
                if reply % 4 == 2:
                    text += (
                        f"\n\nPhotos: ![beds](http://127.0.0.1:{image_port}/photos/beds-{reply}.jpg)"
                        f" and <http://127.0.0.1:{image_port}/photos/plan-{reply}.png>"
                    )
                post = Post.objects.create(
                    topic=topic,
                    poster=author,
                    subject=subject if reply == 0 else f"Re: {subject}",
                    content=text,
                    approved=True,
                )
                moment += timedelta(hours=7, minutes=13)
                Post.objects.filter(pk=post.pk).update(created=moment, updated=moment)
                previous = author.username
                posts.append(
                    {
                        "id": post.pk,
                        "topic_id": topic.pk,
                        "author": author.username,
                        "created": moment.isoformat(),
                    }
                )
            topic.refresh_from_db()
            topic.update_trackers()
    return posts


def main() -> None:
    """Migrate, seed, serve, write the info file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--info", required=True)
    parser.add_argument("--image-port", type=int, required=True)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.crawl.machina_site.settings"
    os.environ["MACHINA_TEST_DB"] = args.db
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    posts = _seed(args.image_port)
    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=_ThreadingServer,
        handler_class=_Quiet,
    )
    info = Path(args.info)
    partial = info.with_suffix(".partial")
    partial.write_text(json.dumps({"port": server.server_port, "posts": posts}))
    partial.replace(info)

    def stop(_signal: int, _frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
