#version 300 es
// Places the QR code's quad exactly like ImGui's own vertices (same attributes, same matrix).
precision highp float;
uniform mat4 ProjMtx;
in vec2 Position;
in vec2 UV;
in vec4 Color;
out vec2 Frag_UV;
void main() {
  Frag_UV = UV;
  gl_Position = ProjMtx * vec4(Position.xy, 0.0, 1.0);
}
