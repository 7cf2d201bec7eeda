#version 300 es
// One texel per module, sampled nearest: every module is pure black or pure white, whatever the
// theme, the vertex colour or a dimmed source image, so that a door scanner reads it.
precision mediump float;
uniform sampler2D Texture;
in vec2 Frag_UV;
layout(location = 0) out vec4 Out_Color;
void main() {
  float light = step(0.5, texture(Texture, Frag_UV).r);
  Out_Color = vec4(vec3(light), 1.0);
}
