// Small fixed-size vector, quaternion and rotation math shared by host and device code.
#pragma once

#include <cmath>

#include "vscreen/hd.hpp"

namespace vscreen {

/// 3-vector of floats.
struct Vec3 {
    float x = 0, y = 0, z = 0;
};

VSCREEN_HD Vec3 make_vec3(float x, float y, float z) { Vec3 v; v.x = x; v.y = y; v.z = z; return v; }
VSCREEN_HD Vec3 operator+(Vec3 a, Vec3 b) { return make_vec3(a.x + b.x, a.y + b.y, a.z + b.z); }
VSCREEN_HD Vec3 operator-(Vec3 a, Vec3 b) { return make_vec3(a.x - b.x, a.y - b.y, a.z - b.z); }
VSCREEN_HD Vec3 operator-(Vec3 a) { return make_vec3(-a.x, -a.y, -a.z); }
VSCREEN_HD Vec3 operator*(float s, Vec3 a) { return make_vec3(s * a.x, s * a.y, s * a.z); }
VSCREEN_HD Vec3 operator*(Vec3 a, float s) { return s * a; }
VSCREEN_HD Vec3& operator+=(Vec3& a, Vec3 b) { a.x += b.x; a.y += b.y; a.z += b.z; return a; }
VSCREEN_HD Vec3& operator-=(Vec3& a, Vec3 b) { a.x -= b.x; a.y -= b.y; a.z -= b.z; return a; }
VSCREEN_HD float dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
VSCREEN_HD float norm_sqr(Vec3 a) { return dot(a, a); }
VSCREEN_HD float norm(Vec3 a) { return sqrtf(dot(a, a)); }
VSCREEN_HD Vec3 cross(Vec3 a, Vec3 b) {
    return make_vec3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
VSCREEN_HD Vec3 normalized(Vec3 a) {
    const float n = norm(a);
    return n > 0 ? (1.0f / n) * a : a;
}

/// Unit quaternion (w, x, y, z) for orientations.
struct Quat {
    float w = 1, x = 0, y = 0, z = 0;
};

VSCREEN_HD Quat make_quat(float w, float x, float y, float z) { Quat q; q.w = w; q.x = x; q.y = y; q.z = z; return q; }

VSCREEN_HD Quat operator*(Quat a, Quat b) {
    return make_quat(a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
                     a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
                     a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
                     a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w);
}

VSCREEN_HD Quat quat_normalized(Quat q) {
    const float n = sqrtf(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
    const float s = n > 0 ? 1.0f / n : 1.0f;
    return make_quat(q.w * s, q.x * s, q.y * s, q.z * s);
}

/// Rotation of `angle` radians about the unit vector `axis`.
VSCREEN_HD Quat quat_from_axis_angle(Vec3 axis, float angle) {
    const float h = 0.5f * angle;
    const float s = sinf(h);
    return make_quat(cosf(h), s * axis.x, s * axis.y, s * axis.z);
}

/// Rotation by the rotation vector `rv` (direction = axis, length = angle).
VSCREEN_HD Quat quat_from_rotation_vector(Vec3 rv) {
    const float angle = norm(rv);
    if (angle < 1e-12f) return Quat{};
    return quat_from_axis_angle((1.0f / angle) * rv, angle);
}

/// Applies the rotation vector `rv` to the orientation q (left multiplication), renormalised.
VSCREEN_HD Quat quat_increment(Quat q, Vec3 rv) { return quat_normalized(quat_from_rotation_vector(rv) * q); }

/// Row-major 3x3 matrix.
struct Mat3 {
    float m[9];
};

VSCREEN_HD Mat3 quat_to_mat(Quat q) {
    const float ww = q.w * q.w, xx = q.x * q.x, yy = q.y * q.y, zz = q.z * q.z;
    const float xy = q.x * q.y, xz = q.x * q.z, yz = q.y * q.z;
    const float wx = q.w * q.x, wy = q.w * q.y, wz = q.w * q.z;
    Mat3 r;
    r.m[0] = ww + xx - yy - zz; r.m[1] = 2 * (xy - wz);      r.m[2] = 2 * (xz + wy);
    r.m[3] = 2 * (xy + wz);      r.m[4] = ww - xx + yy - zz; r.m[5] = 2 * (yz - wx);
    r.m[6] = 2 * (xz - wy);      r.m[7] = 2 * (yz + wx);      r.m[8] = ww - xx - yy + zz;
    return r;
}

VSCREEN_HD Vec3 operator*(const Mat3& r, Vec3 v) {
    return make_vec3(r.m[0] * v.x + r.m[1] * v.y + r.m[2] * v.z,
                     r.m[3] * v.x + r.m[4] * v.y + r.m[5] * v.z,
                     r.m[6] * v.x + r.m[7] * v.y + r.m[8] * v.z);
}

constexpr float kPi = 3.14159265358979323846f;

/// Wraps an angle into [-pi, pi].
VSCREEN_HD float normalize_angle(float a) {
    if (a > kPi || a < -kPi) a = a - 2 * kPi * floorf((a + kPi) / (2 * kPi));
    return a;
}

}  // namespace vscreen
