// Quaternion, rotation and random-stream properties the search relies on.
#include <gtest/gtest.h>

#include <set>

#include "vscreen/math.hpp"
#include "vscreen/rng.hpp"

using namespace vscreen;

TEST(Math, QuaternionRotationMatchesAxisAngle) {
    const Quat q = quat_from_axis_angle(make_vec3(0, 0, 1), kPi / 2);
    const Vec3 v = quat_to_mat(q) * make_vec3(1, 0, 0);
    EXPECT_NEAR(v.x, 0, 1e-6);
    EXPECT_NEAR(v.y, 1, 1e-6);
    EXPECT_NEAR(v.z, 0, 1e-6);
}

TEST(Math, RotationVectorIncrementComposes) {
    Quat q;
    for (int i = 0; i < 4; ++i) q = quat_increment(q, make_vec3(kPi / 4, 0, 0));
    const Vec3 v = quat_to_mat(q) * make_vec3(0, 1, 0);  // 180 degrees about x
    EXPECT_NEAR(v.y, -1, 1e-5);
    EXPECT_NEAR(v.z, 0, 1e-5);
}

TEST(Math, NormalizeAngleWraps) {
    EXPECT_NEAR(normalize_angle(3 * kPi / 2), -kPi / 2, 1e-5);
    EXPECT_NEAR(normalize_angle(-3 * kPi / 2), kPi / 2, 1e-5);
    EXPECT_FLOAT_EQ(normalize_angle(1.0f), 1.0f);
}

TEST(Rng, SameSeedSameStreamDifferentChainsDiffer) {
    Rng a = Rng::for_chain(42, 3, 1), b = Rng::for_chain(42, 3, 1), c = Rng::for_chain(42, 3, 2);
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next_u64();
        EXPECT_EQ(x, b.next_u64());
        EXPECT_NE(x, c.next_u64());
    }
}

TEST(Rng, DrawsStayInTheirRanges) {
    Rng r = Rng::for_chain(7, 0, 0);
    std::set<int> seen;
    for (int i = 0; i < 10000; ++i) {
        const float u = r.uniform();
        ASSERT_GE(u, 0.0f);
        ASSERT_LT(u, 1.0f);
        ASSERT_LT(norm(r.in_unit_sphere()), 1.0f);
        const Quat q = r.orientation();
        ASSERT_NEAR(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z, 1.0f, 1e-5);
        seen.insert(r.below(5));
    }
    EXPECT_EQ(seen, (std::set<int>{0, 1, 2, 3, 4}));
}
