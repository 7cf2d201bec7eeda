#include "ui/qr_view.hpp"

#include <GLES3/gl3.h>

#include <cmath>
#include <cstdio>

#include "embedded_assets.hpp"

namespace kiosk::ui {
namespace {

struct QrProgram {
  GLuint program = 0;
  GLint proj = -1, texture = -1;
  GLint pos = -1, uv = -1, colour = -1;  // attribute locations it was linked with
};
QrProgram g_qr;

GLuint compile(GLenum type, const char* source) {
  const GLuint shader = glCreateShader(type);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) std::fprintf(stderr, "qr shader: compile failed\n");
  return shader;
}

// Links our program with the attribute locations ImGui's program uses, since the callback
// draws ImGui's own vertex buffer with ImGui's vertex array.
void ensure_program(GLuint imgui_program) {
  const GLint pos = glGetAttribLocation(imgui_program, "Position");
  const GLint uv = glGetAttribLocation(imgui_program, "UV");
  const GLint colour = glGetAttribLocation(imgui_program, "Color");
  if (g_qr.program && pos == g_qr.pos && uv == g_qr.uv && colour == g_qr.colour) return;

  if (!g_qr.program) {
    g_qr.program = glCreateProgram();
    const GLuint vs = compile(GL_VERTEX_SHADER, assets::qr_vert);
    const GLuint fs = compile(GL_FRAGMENT_SHADER, assets::qr_frag);
    glAttachShader(g_qr.program, vs);
    glAttachShader(g_qr.program, fs);
    glDeleteShader(vs);
    glDeleteShader(fs);
  }
  glBindAttribLocation(g_qr.program, static_cast<GLuint>(pos), "Position");
  glBindAttribLocation(g_qr.program, static_cast<GLuint>(uv), "UV");
  if (colour >= 0) glBindAttribLocation(g_qr.program, static_cast<GLuint>(colour), "Color");
  glLinkProgram(g_qr.program);
  GLint ok = 0;
  glGetProgramiv(g_qr.program, GL_LINK_STATUS, &ok);
  if (!ok) std::fprintf(stderr, "qr shader: link failed\n");
  g_qr.proj = glGetUniformLocation(g_qr.program, "ProjMtx");
  g_qr.texture = glGetUniformLocation(g_qr.program, "Texture");
  g_qr.pos = pos;
  g_qr.uv = uv;
  g_qr.colour = colour;
}

// Draw callback: swaps ImGui's program for ours until ImDrawCallback_ResetRenderState.
void use_qr_program(const ImDrawList*, const ImDrawCmd*) {
  GLint imgui_program = 0;
  glGetIntegerv(GL_CURRENT_PROGRAM, &imgui_program);
  ensure_program(static_cast<GLuint>(imgui_program));

  const ImDrawData* data = ImGui::GetDrawData();
  const float l = data->DisplayPos.x, r = l + data->DisplaySize.x;
  const float t = data->DisplayPos.y, b = t + data->DisplaySize.y;
  const float ortho[4][4] = {
      {2.0f / (r - l), 0, 0, 0},
      {0, 2.0f / (t - b), 0, 0},
      {0, 0, -1, 0},
      {(r + l) / (l - r), (t + b) / (b - t), 0, 1},
  };
  glUseProgram(g_qr.program);
  glUniformMatrix4fv(g_qr.proj, 1, GL_FALSE, &ortho[0][0]);
  glUniform1i(g_qr.texture, 0);
}

}  // namespace

void forget_qr_program() { g_qr = QrProgram{}; }

void QrView::set(const ModuleGrid& grid) {
  pixels_ = grid_pixels(grid, &width_, &height_);
  side_ = width_ > height_ ? width_ : height_;
  upload();
}

void QrView::clear() {
  if (texture_) glDeleteTextures(1, &texture_);
  texture_ = 0;
  pixels_.clear();
  side_ = width_ = height_ = 0;
}

void QrView::forget_gl() {
  texture_ = 0;
  if (!pixels_.empty()) upload();
}

void QrView::upload() {
  if (!texture_) glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  // Nearest sampling keeps module edges sharp; the scale is whole, so no module is split.
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width_, height_, 0, GL_RED, GL_UNSIGNED_BYTE,
               pixels_.data());
}

void QrView::draw(ImDrawList* draw, ImVec2 pos, int scale) {
  if (empty() || scale < 1) return;
  const ImVec2 min(std::floor(pos.x), std::floor(pos.y));
  const ImVec2 max(min.x + static_cast<float>(width_ * scale),
                   min.y + static_cast<float>(height_ * scale));
  draw->AddCallback(use_qr_program, nullptr);
  draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture_)), min, max);
  draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

}  // namespace kiosk::ui
