"""The four agent types. State lives in arrays so rules run vectorised; each agent object
is a Mesa agent whose attributes read its own row, so it can be inspected by id."""

from .committee import Committee, Committees
from .government import Government
from .residents import Population, Resident
from .social_org import SocialOrganization, SocialOrgPool

__all__ = ["Committee", "Committees", "Government", "Population", "Resident",
           "SocialOrganization", "SocialOrgPool"]
