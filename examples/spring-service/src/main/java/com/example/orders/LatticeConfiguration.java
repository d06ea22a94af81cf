package com.example.orders;

import dev.vpclattice.events.LatticeCallerIdentity;
import dev.vpclattice.events.servlet.LatticeIdentityFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Puts the caller identity Lattice sends on every request (lattice-events' servlet filter), and lets a controller
 * method take it as a parameter.
 */
@Configuration
public class LatticeConfiguration implements WebMvcConfigurer {
    @Bean
    FilterRegistrationBean<LatticeIdentityFilter> latticeIdentityFilter() {
        FilterRegistrationBean<LatticeIdentityFilter> registration =
                new FilterRegistrationBean<>(new LatticeIdentityFilter());
        registration.addUrlPatterns("/*");
        // First, so that every other filter (security, logging) can read the identity too.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == LatticeCallerIdentity.class;
            }

            @Override
            public Object resolveArgument(
                    MethodParameter parameter,
                    ModelAndViewContainer mavContainer,
                    NativeWebRequest webRequest,
                    WebDataBinderFactory binderFactory) {
                return LatticeIdentityFilter.identity(webRequest.getNativeRequest(HttpServletRequest.class));
            }
        });
    }
}
