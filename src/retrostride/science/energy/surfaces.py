"""Ground surfaces: the surface factor for walking and the friction coefficient of a sled.

Surface factor eta (the "terrain factor" of Pandolf 1977; Soule & Goldman 1972, J Appl Physiol
32:706): blacktop/treadmill 1.0, dirt road 1.1, light brush 1.2, heavy brush 1.5, swampy bog
1.8, loose sand 2.1 (the last three not yet read in Pandolf et al. 1977 itself: to verify).

Running on a soft surface: Lejeune et al. 1998 (J Exp Biol 201:2071) measured running on sand at
1.6 times the cost on firm ground, against 2.1-2.7 for walking; the model scales the running
increment as ``1 + (eta - 1) * 0.6 / 1.1`` (sand's 1.6 at Pandolf's 2.1). The sand figures are
Lejeune's (abstract: walking on sand 2.1-2.7 times, running 1.6 times the energy expenditure on
a hard surface at the same speed); the straight line through them for other surfaces is our
assumption, flagged: a result running on any soft surface is never rated above ``medium`` certainty.

Sled friction coefficient mu (sliding, dynamic): Linthorne & Cooper 2013 (Sports Biomech
12:175) measured 0.21-0.58 on four sports surfaces, the lowest on artificial hockey turf; Andre
et al. 2013 (J Strength Cond Res 27) 0.33 +- 0.02 dynamic (0.43 static), falling slightly with
sled mass. Surfaces without a published sled figure use 0.33 and are flagged extrapolated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Surface:
    """A ground surface: ``surface_factor`` for walking, ``sled_friction`` for a sled."""

    name: str
    surface_factor: float
    sled_friction: float
    sled_friction_measured: bool
    source: str


DEFAULT_SLED_FRICTION: Final = 0.33  # Andre et al. 2013, dynamic coefficient
RUN_SURFACE_SCALE: Final = 0.6 / 1.1  # Lejeune et al. 1998 sand running vs Pandolf's sand

SURFACES: Final[tuple[Surface, ...]] = (
    Surface("firm", 1.0, DEFAULT_SLED_FRICTION, False, "Pandolf 1977 (blacktop, treadmill)"),
    Surface("blacktop", 1.0, DEFAULT_SLED_FRICTION, False, "Pandolf 1977"),
    Surface("dirt-road", 1.1, DEFAULT_SLED_FRICTION, False, "Soule & Goldman 1972"),
    Surface("light-brush", 1.2, DEFAULT_SLED_FRICTION, False, "Soule & Goldman 1972"),
    Surface("heavy-brush", 1.5, DEFAULT_SLED_FRICTION, False, "Soule & Goldman 1972 [R]"),
    Surface("swamp", 1.8, DEFAULT_SLED_FRICTION, False, "Soule & Goldman 1972 [R]"),
    Surface("loose-sand", 2.1, DEFAULT_SLED_FRICTION, False, "Soule & Goldman 1972 [R]"),
    Surface("hockey-turf", 1.0, 0.21, True, "Linthorne & Cooper 2013 (lowest of four surfaces)"),
    Surface("artificial-turf", 1.0, 0.33, True, "Andre et al. 2013 (dynamic)"),
    Surface("high-friction-turf", 1.0, 0.58, True, "Linthorne & Cooper 2013 (highest of four)"),
)
SURFACE_NAMES: Final = tuple(surface.name for surface in SURFACES)
DEFAULT_SURFACE: Final = "firm"
