"""Interactive network views (pyvis data, vis-network served by the app): chain, ego network,
collaboration paths, communities."""

from api.viz.render import Visual, build
from api.viz.views import chain_visual, communities_visual, ego_visual, path_visual

__all__ = ["Visual", "build", "chain_visual", "communities_visual", "ego_visual", "path_visual"]
